"""Department uploads: files received over the web and ingested in the background."""
