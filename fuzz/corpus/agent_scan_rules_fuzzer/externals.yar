rule ext { condition: filename == "x.exe" and extension == ".exe" and filepath contains "tmp" and filetype == "EXE" and owner != "" }
