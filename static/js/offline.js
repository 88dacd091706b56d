// The visit record without a connection. Every change is kept on the device (IndexedDB) as you
// type; photos chosen without a connection are kept too. When the connection is back the draft is
// merged with what the server has now and sent: a field changed both here and on the server since
// this page was loaded is shown as a conflict for the inspector to decide, never overwritten.
(() => {
  const form = document.getElementById("record");
  if (!form || !("indexedDB" in window)) return;
  const texts = document.getElementById("offline-texts").dataset;
  const banner = document.getElementById("offline-banner");
  const key = `${form.dataset.user}:${form.dataset.visit}`;
  const KEPT = /^(outcome_|note_|conclusion|ended_at|party_|signature_|verified_orders)/;

  const db = new Promise((resolve, reject) => {
    const open = indexedDB.open("govern-drafts", 1);
    open.onupgradeneeded = () => open.result.createObjectStore("visits");
    open.onsuccess = () => resolve(open.result);
    open.onerror = () => reject(open.error);
  });
  const store = async (mode, work) => {
    const tx = (await db).transaction("visits", mode);
    const result = work(tx.objectStore("visits"));
    return new Promise((resolve, reject) => {
      tx.oncomplete = () => resolve(result.result);
      tx.onerror = () => reject(tx.error);
    });
  };
  const load = () => store("readonly", (s) => s.get(key));
  const save = (draft) => store("readwrite", (s) => s.put(draft, key));
  const forget = () => store("readwrite", (s) => s.delete(key));

  // The form's values, by field name (checkbox groups as sorted lists, radios as the checked value).
  const snapshot = (root) => {
    const values = {};
    for (const field of root.querySelectorAll("input, textarea, select")) {
      const name = field.name;
      if (!name || !KEPT.test(name) || field.type === "file") continue;
      if (field.type === "radio") {
        if (!(name in values)) values[name] = "";
        if (field.checked) values[name] = field.value;
      } else if (field.type === "checkbox") {
        values[name] = values[name] || [];
        if (field.checked) values[name].push(field.value);
      } else {
        values[name] = field.value;
      }
    }
    for (const name in values) if (Array.isArray(values[name])) values[name].sort();
    return values;
  };
  const same = (a, b) => JSON.stringify(a ?? "") === JSON.stringify(b ?? "");
  const apply = (values) => {
    for (const [name, value] of Object.entries(values)) {
      for (const field of form.querySelectorAll(`[name="${CSS.escape(name)}"]`)) {
        if (field.type === "radio") field.checked = field.value === value;
        else if (field.type === "checkbox") field.checked = (value || []).includes(field.value);
        else if (field.type !== "file") field.value = value;
      }
    }
    // Redraw a restored signature on its pad.
    form.querySelectorAll(".signature-pad").forEach((pad) => pad.dispatchEvent(new Event("restore")));
  };
  const label = (name) => {
    const item = name.match(/^(?:outcome|note)_(\d+)$/);
    if (item) {
      const text = document.querySelector(`#item-${item[1]} .item-text`);
      return (text ? text.textContent.trim() : name) + (name.startsWith("note") ? ` · ${texts.note}` : "");
    }
    const field = form.querySelector(`[name="${CSS.escape(name)}"]`);
    const own = field && field.id && form.querySelector(`label[for="${field.id}"]`);
    return own ? own.textContent.trim() : name;
  };
  const show = (message, kind = "") => {
    banner.hidden = false;
    banner.className = `notice-banner offline-banner ${kind}`;
    banner.textContent = message;
  };
  const time = (stamp) => new Date(stamp).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });

  // Three-way merge: base = the page the draft started from, mine = the draft, theirs = the server now.
  const merge = (base, mine, theirs) => {
    const merged = { ...theirs };
    const conflicts = [];
    for (const name of new Set([...Object.keys(mine), ...Object.keys(theirs)])) {
      if (same(mine[name], base[name]) || same(mine[name], theirs[name])) continue;
      if (same(theirs[name], base[name])) merged[name] = mine[name];
      else conflicts.push({ name, mine: mine[name], theirs: theirs[name] });
    }
    return { merged, conflicts };
  };

  const base = snapshot(form);
  let draft = null;
  let photos = [];

  const keep = async () => {
    draft = { base: draft ? draft.base : base, values: snapshot(form), photos, savedAt: Date.now() };
    await save(draft);
  };
  let timer = null;
  form.addEventListener("input", () => { clearTimeout(timer); timer = setTimeout(keep, 300); });
  form.addEventListener("change", (event) => {
    if (event.target.type === "file" && !navigator.onLine) {
      for (const file of event.target.files) photos.push({ field: event.target.name, name: file.name, type: file.type, blob: file });
      event.target.value = "";
      show(texts.photosKept.replace("{n}", photos.length));
    }
    clearTimeout(timer);
    timer = setTimeout(keep, 100);
  });
  form.addEventListener("submit", async (event) => {
    if (navigator.onLine) {  // the server takes it; the next page drops the copy once it shows it
      clearTimeout(timer);
      await keep();
      return;
    }
    event.preventDefault();
    await keep();
    show(texts.savedOffline.replace("{time}", time(draft.savedAt)), "warn");
  });

  const conflictPanel = (conflicts, merged) => {
    const panel = document.createElement("div");
    panel.className = "conflicts card";
    panel.setAttribute("role", "alert");
    const title = document.createElement("p");
    title.innerHTML = "";
    title.textContent = texts.conflicts;
    panel.append(title);
    const decided = {};
    for (const c of conflicts) {
      const row = document.createElement("div");
      row.className = "conflict";
      const what = document.createElement("strong");
      what.textContent = label(c.name);
      const mine = document.createElement("button");
      mine.type = "button";
      mine.textContent = `${texts.keepMine}：${[].concat(c.mine || "—").join("、")}`;
      const theirs = document.createElement("button");
      theirs.type = "button";
      theirs.textContent = `${texts.keepTheirs}：${[].concat(c.theirs || "—").join("、")}`;
      const choose = (value, chosen) => {
        decided[c.name] = value;
        row.querySelectorAll("button").forEach((b) => b.classList.toggle("primary", b === chosen));
        if (Object.keys(decided).length === conflicts.length) send.disabled = false;
      };
      mine.addEventListener("click", () => choose(c.mine, mine));
      theirs.addEventListener("click", () => choose(c.theirs, theirs));
      row.append(what, document.createElement("br"), mine, " ", theirs);
      panel.append(row);
    }
    const send = document.createElement("button");
    send.type = "button";
    send.className = "primary";
    send.disabled = true;
    send.textContent = texts.sendNow;
    send.addEventListener("click", () => upload({ ...merged, ...decided }));
    panel.append(send);
    banner.after(panel);
  };

  const upload = async (values) => {
    const body = new FormData();
    body.append("csrfmiddlewaretoken", form.querySelector("[name=csrfmiddlewaretoken]").value);
    body.append("action", "save");
    for (const [name, value] of Object.entries(values)) {
      for (const one of [].concat(value)) if (one !== "" || !Array.isArray(value)) body.append(name, one);
    }
    for (const photo of photos) body.append(photo.field, new File([photo.blob], photo.name, { type: photo.type }));
    const response = await fetch(location.pathname, { method: "POST", body, credentials: "same-origin" });
    if (!response.ok || new URL(response.url).pathname.startsWith("/login")) throw new Error(String(response.status));
    await forget();
    sessionStorage.setItem("govern-sent", String(Date.now()));
    location.reload();
  };

  let syncing = false;
  const sync = async () => {
    // One at a time; while conflicts wait for the inspector, nothing else is sent.
    if (!draft || !navigator.onLine || syncing || document.querySelector(".conflicts")) return;
    syncing = true;
    show(texts.sending);
    try {
      const page = await fetch(location.pathname, { credentials: "same-origin", cache: "no-store" });
      const html = new DOMParser().parseFromString(await page.text(), "text/html");
      const current = html.getElementById("record");
      if (!current) { show(texts.notEditable, "warn"); return; }  // submitted meanwhile: keep the draft
      form.querySelector("[name=csrfmiddlewaretoken]").value = current.querySelector("[name=csrfmiddlewaretoken]").value;
      const { merged, conflicts } = merge(draft.base, draft.values, snapshot(current));
      if (conflicts.length) {
        show(texts.conflictTitle.replace("{n}", conflicts.length), "warn");
        conflictPanel(conflicts, merged);
        return;
      }
      await upload(merged);
    } catch (error) {
      show(texts.sendFailed, "warn");
    } finally {
      syncing = false;
    }
  };

  (async () => {
    if (sessionStorage.getItem("govern-sent")) {
      sessionStorage.removeItem("govern-sent");
      show(texts.sent, "ok");
    }
    const stored = await load();
    if (!stored) return;
    draft = stored;
    photos = stored.photos || [];
    const changed = Object.keys(stored.values).some((name) => !same(stored.values[name], base[name]));
    if (!changed && !photos.length) { await forget(); draft = null; return; }
    // What is on the page now (the server's record, and anything typed since the page opened)
    // wins where the draft did not change a field.
    apply(merge(stored.base, stored.values, snapshot(form)).merged);
    show(texts.restored.replace("{time}", time(stored.savedAt)).replace("{n}", photos.length), "warn");
    if (navigator.onLine) sync();
  })();
  window.addEventListener("online", sync);
  window.addEventListener("offline", () => show(texts.offline, "warn"));
})();
