"""Weekly reminder delivery: rendering the post, sending it over HTTP, the dispatcher task."""
