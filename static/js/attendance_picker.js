// Attendance picker (templates/assessment/training_detail.html): a text box narrows the people,
// grouped by organisation, to those whose name or organisation contains what is typed. A file,
// not an inline script: the CSP allows scripts from 'self' only. Without JavaScript every person
// stays listed. Hidden boxes keep their ticks and are still submitted.
(() => {
  "use strict";
  for (const input of document.querySelectorAll("[data-attendance-filter]")) {
    const picker = document.getElementById(input.dataset.attendanceFilter);
    const status = document.getElementById(input.dataset.status);
    if (!picker) {
      continue;
    }
    const people = Array.from(picker.querySelectorAll("[data-attendance-person]"));
    const groups = Array.from(picker.querySelectorAll("[data-attendance-group]"));
    const apply = () => {
      const words = input.value.trim().toLowerCase().split(/\s+/).filter(Boolean);
      let shown = 0;
      for (const person of people) {
        const text = person.dataset.search.toLowerCase();
        const match = words.every((word) => text.includes(word));
        person.hidden = !match;
        shown += match ? 1 : 0;
      }
      for (const group of groups) {
        group.hidden = !group.querySelector("[data-attendance-person]:not([hidden])");
      }
      if (status) {
        status.textContent =
          shown === 0
            ? status.dataset.empty
            : status.dataset.template
                .replace("{shown}", String(shown))
                .replace("{total}", String(people.length));
      }
    };
    input.addEventListener("input", apply);
    apply();
  }
})();
