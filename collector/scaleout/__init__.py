"""Scale-out: a crawl run split into shards of whole portals, run as Scrapyd jobs on several nodes."""
