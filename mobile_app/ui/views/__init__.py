"""One screen per module; each is a component of (AppState, Flows) returning an ft.View."""
