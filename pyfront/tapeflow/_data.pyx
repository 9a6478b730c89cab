# placeholder, replaced below
def _placeholder():
    return None
