"use strict";
// The focal point on the image's change form: a marker over the preview shows where focal_x and
// focal_y are; a click on the preview sets both. The number inputs (widgets.FocalPointInput) stay
// the fields that are submitted, so the form works without this script and from the keyboard.
// An external file, and styles set through the DOM: the Content-Security-Policy refuses inline script.
document.addEventListener("DOMContentLoaded", function () {
  const inputX = document.querySelector("input[data-focal-axis=x]");
  const inputY = document.querySelector("input[data-focal-axis=y]");
  // The readonly "preview" field's <img>; a new image has none yet, and then there is nothing to click.
  const image = document.querySelector("img[data-focal-image]") || document.querySelector(".field-preview img");
  if (!inputX || !inputY || !image) {
    return;
  }

  // The marker is positioned in a box exactly the image's size, in percent, so it follows any resize.
  const frame = document.createElement("span");
  frame.className = "focal-point-frame";
  image.parentNode.insertBefore(frame, image);
  frame.appendChild(image);
  const marker = document.createElement("span");
  marker.className = "focal-point-marker";
  marker.setAttribute("aria-hidden", "true"); // the inputs say the same to assistive technology
  frame.appendChild(marker);
  image.classList.add("focal-point-image");
  image.title = inputX.dataset.focalHint || "";

  function fraction(input) {
    const value = parseFloat(input.value);
    return Number.isFinite(value) ? Math.min(1, Math.max(0, value)) : 0.5; // the model's default
  }

  function place() {
    marker.style.left = fraction(inputX) * 100 + "%";
    marker.style.top = fraction(inputY) * 100 + "%";
  }

  function set(input, value) {
    input.value = String(Math.round(Math.min(1, Math.max(0, value)) * 1000) / 1000);
    // As if typed: whatever listens to the form (the admin's own scripts) sees the change.
    input.dispatchEvent(new Event("change", { bubbles: true }));
  }

  image.addEventListener("click", function (event) {
    const box = image.getBoundingClientRect();
    if (box.width === 0 || box.height === 0) {
      return;
    }
    set(inputX, (event.clientX - box.left) / box.width);
    set(inputY, (event.clientY - box.top) / box.height);
    place();
  });
  inputX.addEventListener("input", place);
  inputY.addEventListener("input", place);
  place();
});
