from jobingest.cli import main

main()
