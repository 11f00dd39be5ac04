"""The public pages for students: server-rendered views over the read selectors, CSV and Atom take-aways."""
