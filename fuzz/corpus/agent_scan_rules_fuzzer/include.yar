include "/etc/passwd"
