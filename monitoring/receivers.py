"""What the monitoring app does when things happen elsewhere: nothing yet (it is the data plane; alerts
it opens are reacted to by inspections and deadlines)."""
