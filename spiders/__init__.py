"""Scrapy spiders: they find and fetch; parsing and storage happen in pipelines."""
