// The compose form's recipient picker: search the union tree by name (GET /api/v1/units?q=),
// expand it level by level (?parent=), choose a unit, its whole subtree or every unit of one
// level under it. Chosen recipients are hidden `recipients` fields in the "chosen" list.
(function () {
  "use strict";
  const picker = document.querySelector(".picker[data-units-url]");
  if (!picker) return;
  picker.hidden = false;
  const url = picker.dataset.unitsUrl;
  const en = picker.dataset.lang === "en";
  const t = (vi, english) => (en ? english : vi);
  const search = document.getElementById("unit-search");
  const results = document.getElementById("unit-results");
  const tree = document.getElementById("unit-tree");
  const treeBox = document.getElementById("unit-tree-box");
  const chosen = document.getElementById("unit-chosen");
  const LEVELS = { provincial: 0, upper_grassroots: 1, grassroots: 2 };
  const RANK = { national: -1, provincial: 0, upper_grassroots: 1, grassroots: 2 };

  function chosenValues() {
    return new Set(Array.from(chosen.querySelectorAll("input[name=recipients]"), (i) => i.value));
  }

  function choose(value, label, on) {
    const existing = chosen.querySelector(`input[value="${CSS.escape(value)}"]`);
    if (!on) {
      if (existing) existing.closest("li").remove();
      syncBoxes(value, false);
      return;
    }
    if (existing) return;
    const item = document.createElement("li");
    const hidden = document.createElement("input");
    hidden.type = "hidden";
    hidden.name = "recipients";
    hidden.value = value;
    const text = document.createElement("span");
    text.textContent = label;
    const remove = document.createElement("button");
    remove.type = "button";
    remove.className = "link";
    remove.textContent = t("Bỏ", "Remove");
    remove.setAttribute("aria-label", t("Bỏ ", "Remove ") + label);
    remove.addEventListener("click", () => choose(value, label, false));
    item.append(hidden, text, " ", remove);
    chosen.append(item);
    syncBoxes(value, true);
  }

  function syncBoxes(value, on) {
    picker.querySelectorAll(`input[data-value="${CSS.escape(value)}"]`).forEach((box) => {
      box.checked = on;
    });
  }

  function option(value, label, text, unitName) {
    const box = document.createElement("input");
    box.type = "checkbox";
    box.dataset.value = value;
    box.checked = chosenValues().has(value);
    box.addEventListener("change", () => choose(value, label, box.checked));
    const wrap = document.createElement("label");
    wrap.className = "check";
    wrap.append(box, " ", text);
    if (unitName) {
      // the unit's name for screen readers: every row has the same group choices
      const hidden = document.createElement("span");
      hidden.className = "visually-hidden";
      hidden.textContent = " — " + unitName;
      wrap.append(hidden);
    }
    return wrap;
  }

  function row(unit) {
    const item = document.createElement("li");
    item.append(option(unit.code, unit.name, unit.name));
    if (unit.children > 0) {
      const groups = document.createElement("div");
      groups.className = "groups";
      groups.append(
        option(
          "subtree:" + unit.code,
          t("Mọi đơn vị thuộc ", "Every unit under ") + unit.name,
          t("cả cây bên dưới", "its whole subtree"),
          unit.name
        )
      );
      if (RANK[unit.level] < LEVELS.upper_grassroots) {
        groups.append(
          option(
            "level:grassroots:" + unit.code,
            t("Mọi công đoàn cơ sở thuộc ", "Every grassroots union under ") + unit.name,
            t("mọi công đoàn cơ sở bên dưới", "every grassroots union under it"),
            unit.name
          )
        );
      }
      if (RANK[unit.level] < LEVELS.provincial) {
        groups.append(
          option(
            "level:provincial:" + unit.code,
            t("Mọi LĐLĐ tỉnh, ngành thuộc ", "Every provincial union under ") + unit.name,
            t("mọi đơn vị cấp tỉnh, ngành", "every provincial or sector union"),
            unit.name
          )
        );
      }
      const expand = document.createElement("button");
      expand.type = "button";
      expand.className = "link expand";
      expand.setAttribute("aria-expanded", "false");
      expand.textContent = t(`Mở ${unit.children} đơn vị cấp dưới`, `Show ${unit.children} units under it`);
      const whose = document.createElement("span");
      whose.className = "visually-hidden";
      whose.textContent = t(" của ", " of ") + unit.name;
      expand.append(whose);
      const below = document.createElement("ul");
      below.className = "unit-list";
      expand.addEventListener("click", async () => {
        const open = expand.getAttribute("aria-expanded") === "true";
        expand.setAttribute("aria-expanded", String(!open));
        if (open) {
          below.replaceChildren();
          return;
        }
        fill(below, await units({ parent: unit.code }));
      });
      groups.append(expand);
      item.append(groups, below);
    }
    return item;
  }

  async function units(params) {
    const response = await fetch(url + "?" + new URLSearchParams(params), {
      credentials: "same-origin",
      headers: { Accept: "application/json" },
    });
    return response.ok ? response.json() : [];
  }

  function fill(list, found) {
    list.replaceChildren(...found.map(row));
  }

  let pending = 0;
  search.addEventListener("input", () => {
    const query = search.value.trim();
    const ticket = ++pending;
    window.setTimeout(async () => {
      if (ticket !== pending) return;
      if (query.length < 2) {
        results.replaceChildren();
        return;
      }
      const found = await units({ q: query, limit: "30" });
      if (ticket !== pending) return;
      fill(results, found);
      if (!found.length) {
        const none = document.createElement("li");
        none.className = "muted";
        none.textContent = t("Không có đơn vị nào khớp.", "No unit matches.");
        results.append(none);
      }
    }, 200);
  });
  search.addEventListener("keydown", (event) => {
    if (event.key === "Enter") event.preventDefault(); // searching never submits the draft
  });

  treeBox.addEventListener("toggle", () => {
    if (treeBox.open && !tree.children.length) {
      fill(tree, [JSON.parse(picker.dataset.root)]);
    }
  });
})();
