"""What the facilities app does when things happen elsewhere: nothing (an overdue activated-carbon
replacement is a deadline read by the deadlines app's daily job)."""
