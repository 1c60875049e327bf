from xmlstudy.cli import main

raise SystemExit(main())
