"""The classroom: session records, the class report and privacy controls."""
