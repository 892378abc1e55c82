"""One screen per module; each is a component of (its screen model, if it has one, the
AppState, and its own flow) returning an ft.View."""
