"""Screenings from the workbench (发放前筛查): a batch file received over the web, screened by
`sunlight.screening` in a background job, its verdict files kept for their owner a while."""
