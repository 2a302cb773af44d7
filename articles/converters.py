"""Path converters for date URLs: /2025/09/07/ and never /2025/9/7/."""


class FourDigitYear:
    regex = "[0-9]{4}"

    def to_python(self, value):
        # Year 0 is no date (datetime.date refuses it): a ValueError here makes the URL no match.
        year = int(value)
        if year < 1:
            raise ValueError("no year 0")
        return year

    def to_url(self, value):
        return f"{int(value):04d}"


class TwoDigit:
    regex = "[0-9]{2}"

    def to_python(self, value):
        return int(value)

    def to_url(self, value):
        return f"{int(value):02d}"


class Slug:
    """A slug segment: any characters (Japanese too) but a slash or a control character.

    A NUL byte would reach PostgreSQL, which refuses it with an error; here it is simply no match.
    """

    regex = r"[^/\x00-\x1f\x7f]+"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value
