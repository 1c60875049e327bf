from xmlstudy.cli import main

# Guarded so that importing the module (as the API reference's generator does for every module of
# the package) does not run the command line.
if __name__ == "__main__":
    raise SystemExit(main())
