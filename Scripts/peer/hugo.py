#!/usr/bin/env python3
"""accredit against Hugo on the same generated content, measured side by side in one run. Run it through
`Scripts/benchmark --peer hugo …`, which installs Hugo (Debian's package) and builds the release binary.

  hugo.py build ACCREDIT [--size 1000x10] [--runs 3] [--out /dev/shm]
      Full builds, accredit and Hugo alternately, each into an empty folder (the first round warms the
      caches and is not counted), then a one-note edit rebuild with accredit. Prints the medians, the peak
      memory and the ratio.

  hugo.py serve ACCREDIT [--size 1000x10] [--edits 5]
      Starts `accredit serve`, then `hugo server`, on the same content; appends a marker line to a case
      note (both copies) and times how long until each server answers that case page with the marker in
      it. Prints the time to the first page after start and the median of the edits.

  hugo.py convert CONTENT SITE
      Only writes the Hugo site for an accredit content folder (for looking at it: hugo -s SITE).

The content is `accredit generate-fixture --partners P --cases C` (the same bytes for the same size). The
Hugo site (see `convert`) has the same pages, and its templates (Scripts/peer/hugo/layouts) do the same
evaluation in Hugo's template language, so both tools do the same work. The machine is shared and noisy:
compare the ratios from one run, and run again before believing a small difference.
"""
import argparse
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request

SKELETON = os.path.join(os.path.dirname(os.path.abspath(__file__)), "hugo")
AS_OF = "2026-11-15"


# --- the Hugo site ------------------------------------------------------------------------------------
#
# SITE gets config.toml (the skeleton's, with title, baseURL and params.as_of from content/site.yaml),
# layouts/ and static/ (copied), data/standards.yaml, and content/:
#
#   content/_index.md                                  home (HTML, and api/status.json)
#   content/partners/_index.md                         not rendered (accredit has no such page)
#   content/partners/<slug>/_index.md                  the partner record, verbatim, as front matter
#   content/partners/<slug>/marks/_index.md            the marks page (layout: marks)
#   content/partners/<slug>/cases/<case-id>.md         the case's front matter and the same Markdown
#   content/faq/_index.md, content/faq/<name>.md       one FAQ page (entries are not rendered alone)
#   content/pages/_index.md, content/pages/<slug>.md   free pages (the section page is not rendered)
#
# The conversion is textual (no YAML parsing), so the front matter Hugo parses is byte for byte the YAML
# accredit parses.


def quoted(text):
    """A YAML double-quoted scalar."""
    return '"%s"' % text.replace("\\", "\\\\").replace('"', '\\"')


def split_front_matter(text, path):
    if not text.startswith("---\n"):
        sys.exit(f"hugo.py: {path}: no front matter")
    end = text.find("\n---\n", 3)
    if end < 0:
        sys.exit(f"hugo.py: {path}: unterminated front matter")
    return text[4:end + 1], text[end + 5:]


def scalar(yaml, key):
    """The value of a top-level `key: value` line, unquoted; None when there is none."""
    match = re.search(r"^%s:[ \t]*(.*?)[ \t]*$" % re.escape(key), yaml, re.M)
    if not match:
        return None
    value = match.group(1)
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
        value = value[1:-1]
    return value


def write(path, text):
    with open(path, "w", encoding="utf-8") as file:
        file.write(text)


def read(path):
    with open(path, encoding="utf-8") as file:
        return file.read()


def markdown_files(folder):
    return sorted(name for name in os.listdir(folder) if name.endswith(".md")) if os.path.isdir(folder) else []


def convert(content, site):
    """Writes the Hugo site for the accredit content folder `content` into `site`."""
    shutil.rmtree(site, ignore_errors=True)
    for folder in ("layouts", "static"):
        shutil.copytree(os.path.join(SKELETON, folder), os.path.join(site, folder))

    site_yaml = read(os.path.join(content, "site.yaml"))
    config = read(os.path.join(SKELETON, "config.toml"))
    for yaml_key, toml_key in (("title", "title"), ("base_url", "baseURL"), ("as_of", "as_of")):
        value = scalar(site_yaml, yaml_key)
        if value is not None:
            config = re.sub(r'^%s = ".*"$' % toml_key, '%s = "%s"' % (toml_key, value.replace('"', '\\"')), config,
                            count=1, flags=re.M)
    write(os.path.join(site, "config.toml"), config)

    os.makedirs(os.path.join(site, "data"))
    shutil.copyfile(os.path.join(content, "standards.yaml"), os.path.join(site, "data", "standards.yaml"))

    pages = os.path.join(site, "content")
    os.makedirs(os.path.join(pages, "partners"))
    write(os.path.join(pages, "_index.md"), "---\ntitle: %s\n---\n" % quoted(scalar(site_yaml, "title") or "Status"))
    write(os.path.join(pages, "partners", "_index.md"), "---\ntitle: Partners\n_build: { render: never }\n---\n")

    records = os.path.join(content, "partners")
    for name in sorted(os.listdir(records)):
        if not name.endswith(".yaml"):
            continue
        slug = name[:-5]
        record = read(os.path.join(records, name))
        partner_name = scalar(record, "name") or slug
        partner = os.path.join(pages, "partners", slug)
        os.makedirs(os.path.join(partner, "marks"))
        write(os.path.join(partner, "_index.md"), "---\ntitle: %s\nlayout: partner\n%s%s---\n"
              % (quoted(partner_name), record, "" if record.endswith("\n") else "\n"))
        write(os.path.join(partner, "marks", "_index.md"),
              "---\ntitle: %s\nlayout: marks\n---\n" % quoted("Marks on record: " + partner_name))
        cases = os.path.join(content, "cases", slug)
        if not os.path.isdir(cases):
            continue
        os.mkdir(os.path.join(partner, "cases"))
        for case in markdown_files(cases):
            case_id = case[:-3]
            front, body = split_front_matter(read(os.path.join(cases, case)), case)
            write(os.path.join(partner, "cases", case),
                  "---\ntitle: %s\ncase_id: %s\n%s---\n%s" % (quoted(case_id), quoted(case_id), front, body))

    # FAQ: question becomes the title, order the weight; entries are listed on /faq/ only.
    os.makedirs(os.path.join(pages, "faq"))
    write(os.path.join(pages, "faq", "_index.md"), "---\ntitle: FAQ\n---\n")
    for name in markdown_files(os.path.join(content, "faq")):
        front, body = split_front_matter(read(os.path.join(content, "faq", name)), name)
        front = re.sub(r"^question:", "title:", front, flags=re.M)
        front = re.sub(r"^order:", "weight:", front, flags=re.M)
        write(os.path.join(pages, "faq", name), "---\n%s_build: { render: never }\n---\n%s" % (front, body))

    # Free pages: the title stays, order becomes the weight.
    os.makedirs(os.path.join(pages, "pages"))
    write(os.path.join(pages, "pages", "_index.md"), "---\ntitle: Pages\n_build: { render: never }\n---\n")
    for name in markdown_files(os.path.join(content, "pages")):
        front, body = split_front_matter(read(os.path.join(content, "pages", name)), name)
        front = re.sub(r"^order:", "weight:", front, flags=re.M)
        write(os.path.join(pages, "pages", name), "---\n%s---\n%s" % (front, body))


def make_content(accredit, work, size):
    """Generated content in work/content and its Hugo site in work/hugo; returns their paths."""
    partners, cases = (int(x) for x in size.split("x"))
    content, hugo = os.path.join(work, "content"), os.path.join(work, "hugo")
    subprocess.run([accredit, "generate-fixture", "--partners", str(partners), "--cases", str(cases),
                    "--output", content], check=True, stdout=subprocess.DEVNULL)
    convert(content, hugo)
    return content, hugo


# --- measuring ----------------------------------------------------------------------------------------


def timed(command, output):
    """Runs `command` into the emptied folder `output`; returns wall seconds and peak memory in MB."""
    shutil.rmtree(output, ignore_errors=True)
    subprocess.run(["sync"])
    stats = output + ".time"
    start = time.perf_counter()
    done = subprocess.run(["/usr/bin/time", "-f", "%M", "-o", stats] + command,
                          stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    wall = time.perf_counter() - start
    if done.returncode != 0:
        sys.exit(f"hugo.py: failed: {' '.join(command)}\n{done.stderr[-2000:]}")
    return wall, int(read(stats).split()[-1]) / 1024


def files_in(folder):
    return sum(len(files) for _, _, files in os.walk(folder))


def build(args):
    work = tempfile.mkdtemp(prefix="accredit-peer-", dir=args.out)
    try:
        content, hugo = make_content(args.accredit, work, args.size)
        out_a, out_h = os.path.join(work, "out-accredit"), os.path.join(work, "out-hugo")
        accredit = [args.accredit, "build", "--content", content, "--output", out_a, "--as-of", AS_OF,
                    "--cache", os.path.join(work, "cache"), "--quiet"]
        hugo_build = ["hugo", "-s", hugo, "--quiet", "--minify=false", "-d", out_h]
        a, h = [], []
        for round in range(args.runs + 1):  # the first round warms the caches and is not counted
            ra, rh = timed(accredit, out_a), timed(hugo_build, out_h)
            if round:
                a.append(ra)
                h.append(rh)
        files_a, files_h = files_in(out_a), files_in(out_h)
        notes = sorted(os.path.join(folder, name) for folder, _, names in os.walk(os.path.join(content, "cases"))
                       for name in names)
        with open(notes[len(notes) // 2], "a", encoding="utf-8") as note:
            note.write("\nA follow-up note added by the benchmark.\n")
        start = time.perf_counter()
        subprocess.run(accredit, check=True, stdout=subprocess.DEVNULL)
        edit = time.perf_counter() - start
        wall_a, wall_h = statistics.median(x[0] for x in a), statistics.median(x[0] for x in h)
        peak_a, peak_h = max(x[1] for x in a), max(x[1] for x in h)
        print(f"{args.size} on {args.out}, median of {args.runs}:")
        print(f"  accredit full build  {wall_a:7.2f} s  {peak_a:7.0f} MB peak  {files_a} files")
        print(f"  hugo full build      {wall_h:7.2f} s  {peak_h:7.0f} MB peak  {files_h} files")
        print(f"  accredit one-note edit rebuild {edit:.2f} s")
        print(f"  speed-up {wall_h / wall_a:.2f}x, memory {peak_a / peak_h:.2f} of Hugo's")
    finally:
        shutil.rmtree(work, ignore_errors=True)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(url, needle, limit):
    """Seconds until `url` answers (with `needle` in its body, if given); None after `limit` seconds."""
    start = time.perf_counter()
    while time.perf_counter() - start < limit:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if needle is None or needle in response.read().decode("utf-8", "replace"):
                    return time.perf_counter() - start
        except Exception:
            pass
        time.sleep(0.005)
    return None


def serve(args):
    work = tempfile.mkdtemp(prefix="accredit-peer-serve-", dir=args.out)
    servers = []
    try:
        content, hugo = make_content(args.accredit, work, args.size)
        notes = sorted(os.path.join(folder, name) for folder, _, names in os.walk(os.path.join(content, "cases"))
                       for name in names)
        port_a, port_h = free_port(), free_port()
        log = open(os.path.join(work, "serve.log"), "w")
        # One after the other, so that each start-up has the machine to itself.
        servers.append(subprocess.Popen([args.accredit, "serve", "--content", content, "--port", str(port_a),
                                         "--as-of", AS_OF], cwd=work, stdout=log, stderr=log))
        first_a = wait_for(f"http://127.0.0.1:{port_a}/", None, 300)
        servers.append(subprocess.Popen(["hugo", "server", "-s", hugo, "--port", str(port_h), "--minify=false"],
                                        cwd=work, stdout=log, stderr=log))
        first_h = wait_for(f"http://127.0.0.1:{port_h}/", None, 300)
        shown = lambda t: "none within 300 s" if t is None else f"{t:.2f} s"  # noqa: E731
        print(f"{args.size}: first page served after start: accredit {shown(first_a)}, hugo {shown(first_h)}")
        edits_a, edits_h = [], []
        for i in range(args.edits):
            marker = f"ZQMARK{i}X{os.getpid()}"
            note = notes[(i * 7919) % len(notes)]
            partner, case = os.path.basename(os.path.dirname(note)), os.path.basename(note)[:-3]
            for path in (note, os.path.join(hugo, "content", "partners", partner, "cases", case + ".md")):
                with open(path, "a", encoding="utf-8") as file:
                    file.write(f"\n{marker}\n")
            page = f"partners/{partner}/cases/{case}/"
            a = wait_for(f"http://127.0.0.1:{port_a}/{page}", marker, 30)
            h = wait_for(f"http://127.0.0.1:{port_h}/{page}", marker, 30) if first_h is not None else None
            edits_a.append(float("inf") if a is None else a)
            edits_h.append(float("inf") if h is None else h)
            time.sleep(0.5)
        ms = lambda values: f"{statistics.median(values) * 1000:.0f} ms" if statistics.median(values) < 1e9 \
            else f"not within 30 s ({sum(v == float('inf') for v in values)} of {len(values)})"  # noqa: E731
        print(f"  note edit -> page served with the edit, median of {args.edits}: "
              f"accredit {ms(edits_a)}, hugo {ms(edits_h)}")
    finally:
        for server in servers:
            server.send_signal(signal.SIGTERM)
            try:
                server.wait(10)
            except subprocess.TimeoutExpired:
                server.kill()
        shutil.rmtree(work, ignore_errors=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    b = commands.add_parser("build")
    b.add_argument("accredit")
    b.add_argument("--size", default="1000x10")
    b.add_argument("--runs", type=int, default=3)
    b.add_argument("--out", default="/dev/shm")
    s = commands.add_parser("serve")
    s.add_argument("accredit")
    s.add_argument("--size", default="1000x10")
    s.add_argument("--edits", type=int, default=5)
    s.add_argument("--out", default="/dev/shm")
    c = commands.add_parser("convert")
    c.add_argument("content")
    c.add_argument("site")
    args = parser.parse_args()
    if args.command == "convert":
        convert(args.content, args.site)
        return
    if shutil.which("hugo") is None:
        sys.exit("hugo.py: no hugo on PATH (Scripts/benchmark --peer hugo installs Debian's)")
    args.accredit = os.path.abspath(args.accredit)
    build(args) if args.command == "build" else serve(args)


if __name__ == "__main__":
    main()
