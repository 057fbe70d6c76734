"""After-sales (售后): cases opened by receipts with short or damaged goods, their photos, the queue; satisfaction surveys and their low-score follow-ups."""
