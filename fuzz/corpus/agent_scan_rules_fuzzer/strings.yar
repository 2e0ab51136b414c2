import "pe"
rule p { meta: description = "d" strings: $a = { 4D 5A ?? 00 } $b = /ab+c/i $c = "x" wide ascii nocase condition: any of them and pe.number_of_sections > 1 }
