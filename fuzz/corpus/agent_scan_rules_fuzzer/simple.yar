rule a { condition: true }
