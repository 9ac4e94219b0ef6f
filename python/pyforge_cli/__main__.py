"""`python -m pyforge_cli ARGS`: the pyforge binary with ARGS."""

from .main import main

if __name__ == "__main__":
    main()
