"""Pure-Python core shared by the Alexa skill and the phone app: catalogue, session engine, store, change bus."""
