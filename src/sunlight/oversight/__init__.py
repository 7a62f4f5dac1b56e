"""网上督察: the tables the 督察 views read, built when detection runs, and their reads."""
