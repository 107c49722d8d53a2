"""The parser's one exception: the input holds nothing we can read."""


class UnreadableDocument(Exception):
    """Raised for input with no readable text (empty, binary garbage, too large, damaged).

    The message is one line meant for people; a document that is readable but holds no report
    is not an error: it yields a record whose findings say what is missing.
    """
