package pyindex

// Catalog is what the test index serves: two tiny pure-Python projects, the
// second depending on the first so that a requirements.txt naming only
// botrunner-loud exercises dependency resolution through the index.
func Catalog() []Project {
	return []Project{
		{
			Name:    "botrunner-greeting",
			Version: "1.0.0",
			Summary: "Says hello (botrunner test package)",
			Files: map[string]string{
				"botrunner_greeting/__init__.py": "def greet(name):\n    return f\"hello {name}\"\n",
			},
		},
		{
			Name:     "botrunner-loud",
			Version:  "1.0.0",
			Summary:  "Says hello loudly (botrunner test package)",
			Requires: []string{"botrunner-greeting>=1.0"},
			Files: map[string]string{
				"botrunner_loud/__init__.py": "from botrunner_greeting import greet\n\n\n" +
					"def shout(name):\n    return greet(name).upper() + \"!\"\n",
			},
		},
	}
}
