import AccreditCLI

Accredit.main()
