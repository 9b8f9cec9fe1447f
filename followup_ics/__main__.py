from followup_ics.entry import main

main()
