"use strict";
// A shareable preview link is selected when focused, ready to copy. A listener here rather than
// an onfocus attribute: the Content-Security-Policy allows no inline script.
document.addEventListener("focusin", function (event) {
  if (event.target instanceof HTMLInputElement && event.target.classList.contains("preview-url")) {
    event.target.select();
  }
});
