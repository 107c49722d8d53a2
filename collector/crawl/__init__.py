"""What the portal spider knows about portals, kept apart from Scrapy so each piece is testable on its own.

``patterns`` holds every keyword list and regular expression (portals.md §2, §4, §6, §9, §12);
``pages`` reads a fetched page (decoding, anchors, titles, attachments); ``classify`` judges a
title; ``discovery`` picks the links that lead to the 年报 column; ``pagination`` turns a list page
into the requests for its other pages and reads the list APIs; ``outcome`` keeps one agency's
crawl record; ``ledger`` writes runs, pages, documents and outcomes through the storage layer;
``summary`` prints the table at the end of ``collector crawl``.
"""
