"""`python -m sunlight …` is the `sunlight` command (a checkout run without installing)."""

from sunlight.cli.app import main

# A process that multiprocessing spawns imports this module again as `__mp_main__`.
if __name__ == "__main__":
    main()
