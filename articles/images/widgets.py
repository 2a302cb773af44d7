"""The focal point in the image's admin form: two number inputs, and clicking the preview sets both."""

from django import forms
from django.utils.translation import gettext_lazy as _


class FocalPointInput(forms.NumberInput):
    """A number input for ``focal_x`` or ``focal_y``, 0 to 1; focal-point.js adds the click on the preview.

    The inputs stay the real fields, so the form works without JavaScript and from the keyboard;
    the script only moves a marker over the preview and fills the inputs in when the preview is clicked.
    """

    def __init__(self, attrs=None):
        # A step of 0.001: the script rounds a click to three decimals, which the browser then accepts.
        super().__init__({"step": "0.001", "min": "0", "max": "1", **(attrs or {})})

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        # Which coordinate the input holds, from its field's name (focal_x, focal_y).
        context["widget"]["attrs"]["data-focal-axis"] = "y" if name.endswith("y") else "x"
        context["widget"]["attrs"]["data-focal-hint"] = _("Click the preview to set the focal point.")
        return context

    class Media:
        js = ["admin/articles/focal-point.js"]
        css = {"all": ["admin/articles/admin.css"]}
