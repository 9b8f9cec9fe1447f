from followup_ics.cli import main

main()
