"""Keep translations across a refresh or a merge of .po files.

    po_merge.py TARGET.po SOURCE.po [SOURCE.po ...]
        Fill every untranslated entry of TARGET from the first SOURCE that
        translates the same (msgctxt, msgid). TARGET keeps its own entries and
        their order: what the code no longer says is not brought back.

    po_merge.py --union TARGET.po SOURCE.po [SOURCE.po ...]
        Also add the SOURCE entries that TARGET lacks (resolving a merge conflict
        of two branches that each added strings); a later refresh with
        tools/i18n.sh drops the ones the code no longer has.

Why: Odoo's `i18n export` writes the terms read back from a database, and the
translations of Python code terms are not kept in the database in Odoo 17+,
so an export alone can come back with them blank.
"""

import sys

import polib


def _key(entry):
    return (entry.msgctxt or "", entry.msgid)


def merge(target_path, source_paths, union=False):
    target = polib.pofile(target_path, wrapwidth=78)
    sources = [polib.pofile(path) for path in source_paths]
    known = {_key(entry) for entry in target}
    filled = added = 0
    for entry in target:
        if entry.translated() or entry.obsolete:
            continue
        for source in sources:
            match = source.find(entry.msgid, msgctxt=entry.msgctxt or False)
            if match is not None and match.translated():
                entry.msgstr = match.msgstr
                entry.msgstr_plural = dict(match.msgstr_plural)
                if "fuzzy" in entry.flags:
                    entry.flags.remove("fuzzy")
                filled += 1
                break
    if union:
        for source in sources:
            for entry in source:
                if entry.obsolete or _key(entry) in known:
                    continue
                target.append(entry)
                known.add(_key(entry))
                added += 1
    target.save(target_path)
    return filled, added


def main(argv):
    union = "--union" in argv
    paths = [arg for arg in argv if arg != "--union"]
    if len(paths) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    filled, added = merge(paths[0], paths[1:], union=union)
    print(f"{paths[0]}: {filled} translation(s) kept, {added} entr(y/ies) added")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
