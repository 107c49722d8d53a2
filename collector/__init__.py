"""The application: command line, Scrapy settings, pipelines, scheduler and compliance."""
