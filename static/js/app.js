// Small progressive enhancements; pages work without them. No inline script (CSP).
document.addEventListener("change", (event) => {
  const target = event.target;
  if (target instanceof HTMLSelectElement && target.dataset.autosubmit !== undefined && target.form) {
    target.form.requestSubmit();
  }
});
// A button marked data-print prints the page (the reference sheet: print CSS hides the rest).
document.addEventListener("click", (event) => {
  const target = event.target;
  if (target instanceof Element && target.closest("[data-print]")) {
    window.print();
  }
});
