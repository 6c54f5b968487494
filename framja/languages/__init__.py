"""The visitor's language: kept in the URL, the session, the language cookie and the user's profile.

The URL decides what a page is shown in (`/` Swedish, `/nb/` Norwegian bokmål, `/en/` English),
so a link always shows the language it names. A choice made with the language switcher is
remembered in the session, in Django's language cookie (it outlives signing out) and, for a
signed-in person, in `User.preferred_language` (it follows them to other browsers). When a
person who chose a language opens an unprefixed (Swedish) address, for example from an e-mail,
they are redirected to the same page in their language.
"""
