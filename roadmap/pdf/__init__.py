"""The plan as a PDF: the report's context and HTML, the render in a child process (worker,
forkserver), the cache and the archive, the background task and the download pages. Never
imports the workflow."""
