"""What the materials app does when things happen elsewhere: nothing (its over-limit findings are
reacted to by deadlines, which tells the inspectors)."""
