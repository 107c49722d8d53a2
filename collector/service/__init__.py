"""The unattended service (``collector serve``): nightly crawl → compliance snapshot → events → notifiers.

``config`` reads ``config/service.yaml``; ``scheduler`` wires APScheduler (cron triggers, a job store
in the project's database, SIGTERM); ``jobs`` runs a job's steps under the pipeline ``lock``;
``steps`` runs the crawl and the reparse as child processes (``command``); ``snapshot`` judges and
records ``events``; ``notify`` sends them; ``logs`` writes structured logs.
"""
