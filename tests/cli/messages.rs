//! Diagnostics in the site's language (#13): French and English catalogs, chosen by the
//! site's `language`, `--lang` or `ARCHIPEL_LANG`; codes, JSON fields and the GitHub
//! annotation format stay the same in every language.

use archipel::diag::{Lang, knows, tr};

use crate::support::Fixture;

/// The fixture site (no `language`: French, archipel's default) with a linked draft.
fn french_site_with_a_linked_draft() -> Fixture {
    let site = Fixture::copy("site");
    let path = "content/methodes/vote.md";
    let text = site
        .read(path)
        .replace("order = 1\n", "order = 1\ndraft = true\n");
    site.write(path, &text);
    site
}

#[test]
fn a_french_site_speaks_french_and_a_linked_draft_is_a_warning() {
    let site = french_site_with_a_linked_draft();
    let mut cmd = site.command(&["build"]);
    cmd.env_remove("ARCHIPEL_LANG");
    let out = cmd.output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains(
            "content/cas/second.md:6:12: warning[draft-link]: la page `vote` est un brouillon : le lien s'affiche comme du simple texte"
        ),
        "{stderr}"
    );
    assert!(
        stderr.contains(
            "= help: le lien fonctionnera quand `draft = true` sera retiré de cette page"
        ),
        "{stderr}"
    );
    assert!(stderr.contains("6 pages construites ("), "{stderr}");
}

#[test]
fn an_english_site_speaks_english_and_flags_and_environment_override() {
    let site = french_site_with_a_linked_draft();
    let config = site.read("archipel.toml");
    site.write("archipel.toml", &format!("language = \"en\"\n{config}"));
    let mut cmd = site.command(&["check"]);
    cmd.env_remove("ARCHIPEL_LANG");
    let stderr = String::from_utf8_lossy(&cmd.output().unwrap().stderr).into_owned();
    assert!(
        stderr.contains("warning[draft-link]: the page `vote` is a draft"),
        "{stderr}"
    );
    assert!(
        stderr.contains("pages checked, no errors, 2 warning(s), 1 draft(s) left out"),
        "{stderr}"
    );

    // --lang beats the environment, which beats the site's language.
    let run = site.run(&["check", "--lang", "fr"]);
    assert!(run.stderr.contains("est un brouillon"), "{}", run.stderr);
    assert!(
        run.stderr.contains(
            "pages vérifiées, aucune erreur, 2 avertissement(s), 1 brouillon(s) écarté(s)"
        ),
        "{}",
        run.stderr
    );
    let mut cmd = site.command(&["check"]);
    cmd.env("ARCHIPEL_LANG", "fr");
    let stderr = String::from_utf8_lossy(&cmd.output().unwrap().stderr).into_owned();
    assert!(stderr.contains("est un brouillon"), "{stderr}");
}

#[test]
fn json_and_github_keep_their_shape_and_carry_the_translated_message() {
    let site = french_site_with_a_linked_draft();
    let run = site
        .run(&["check", "--lang", "fr", "--format", "json"])
        .expect(0);
    let value: serde_json::Value =
        serde_json::from_str(run.stdout.lines().next().unwrap()).unwrap();
    assert_eq!(
        value,
        serde_json::json!({
            "path": "content/cas/second.md", "line": 6, "column": 12, "severity": "warning",
            "code": "draft-link",
            "message": "la page `vote` est un brouillon : le lien s'affiche comme du simple texte",
            "help": "le lien fonctionnera quand `draft = true` sera retiré de cette page",
        })
    );
    let run = site
        .run(&["check", "--lang", "fr", "--format", "github"])
        .expect(0);
    assert!(
        run.stdout.starts_with(
            "::warning file=content/cas/second.md,line=6,col=12::la page `vote` est un brouillon"
        ),
        "{}",
        run.stdout
    );
}

#[test]
fn a_broken_configuration_is_reported_in_the_site_s_language() {
    let site = Fixture::copy("site");
    let config = site.read("archipel.toml");
    site.write(
        "archipel.toml",
        &config.replace("sort = \"date\"", "sort = \"datee\""),
    );
    let run = site.run(&["check", "--lang", "fr"]).expect(2);
    assert!(
        run.stderr
            .contains("error[bad-sort]: ordre de tri inconnu `datee`"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("1 erreur(s) de configuration"),
        "{}",
        run.stderr
    );
}

/// The sources that an output collision or a reserved name names are in the message's
/// language too: a French site reads no English word in them.
#[test]
fn a_french_site_names_the_sources_of_an_output_in_french() {
    let site = Fixture::copy("site");
    site.write(
        "content/tags.md",
        "+++\ntitle = \"Thèmes\"\n+++\n\nTexte.\n",
    );
    let path = "content/cas/premier.md";
    let text = site.read(path);
    site.write(
        path,
        &text.replacen("+++\n", "+++\naliases = [\"tags\"]\n", 1),
    );
    let run = site.run(&["check", "--lang", "fr"]).expect(1);
    for line in [
        "content/tags.md: error[reserved-name]: la page (content/tags.md) prend le nom `tags`, qui revient à l'index des thèmes",
        "content/cas/premier.md:2:12: error[output-collision]: `tags/index.html` serait écrit deux fois : par l'index des thèmes et par l'alias `tags` (content/cas/premier.md:2:12)",
    ] {
        assert!(
            run.stderr.contains(line),
            "{line}\nmissing in\n{}",
            run.stderr
        );
    }
}

/// Every diagnostic code used in `src/` has a message in the catalogs.
#[test]
fn every_code_in_the_source_has_a_catalog_entry() {
    let mut missing = Vec::new();
    for entry in walkdir::WalkDir::new(crate::support::repo().join("src")) {
        let entry = entry.unwrap();
        // The catalog's own header shows how to add a code, with an example.
        if entry.path().extension().is_none_or(|e| e != "rs")
            || entry.path().ends_with("catalog.rs")
        {
            continue;
        }
        let text = std::fs::read_to_string(entry.path()).unwrap();
        let text = text.split("#[cfg(test)]").next().unwrap_or("");
        for marker in ["Diagnostic::error(", "Diagnostic::warning(", "diagnostic("] {
            for (at, _) in text.match_indices(marker) {
                let rest = text[at + marker.len()..].trim_start();
                let Some(code) = rest.strip_prefix('"').and_then(|r| r.split('"').next()) else {
                    continue;
                };
                let known = [Lang::En, Lang::Fr].iter().all(|&lang| knows(lang, code));
                if !known {
                    missing.push(format!("{}: {code}", entry.path().display()));
                }
            }
        }
    }
    assert!(
        missing.is_empty(),
        "codes without a catalog entry: {missing:#?}"
    );
}

fn leak(s: String) -> &'static str {
    Box::leak(s.into_boxed_str())
}

/// The French text of every diagnostic message, pinned as written (placeholders left
/// unfilled).
#[test]
fn each_code_s_french_text_is_pinned() {
    let pinned: &[(&str, &str)] = &[
        ("ambiguous-ref", "`{id}` peut désigner plusieurs pages"),
        ("bad-date", "`{name}` n'est pas une date : `{written}`"),
        ("bad-field-type", "type de champ inconnu `{ty}`"),
        (
            "bad-file-name",
            "le nom du fichier n'est pas en UTF-8 valide",
        ),
        (
            "bad-kind-dir",
            "`{dir}` ne peut pas être le dossier d'une sorte de pages",
        ),
        (
            "bad-setting.no-placeholder",
            "l'adresse `{name}` ne contient pas `{placeholder}`",
        ),
        (
            "bad-setting.placeholders",
            "ses emplacements sont : {names}",
        ),
        (
            "bad-setting.raw-html",
            "`raw_html` ne peut pas valoir `{value}`",
        ),
        (
            "bad-setting.unknown-placeholder",
            "l'adresse `{name}` contient un emplacement inconnu `{placeholder}`",
        ),
        (
            "bad-slug",
            "le nom de fichier `{file}` n'est pas un identifiant valide",
        ),
        ("bad-sort", "ordre de tri inconnu `{sort}`"),
        (
            "bad-tag-id",
            "l'identifiant de thème `{id}` n'est pas un identifiant valide",
        ),
        ("bad-theme", "`{theme}` n'est pas un nom de thème"),
        (
            "bad-type",
            "`{name}` doit être de type {expected}, pas {found}",
        ),
        (
            "bad-type.item",
            "`{name}` doit contenir des textes entre guillemets, pas {found}",
        ),
        (
            "broken-anchor",
            "le lien `{dest}` vise `#{fragment}`, qui n'est pas un titre de `{target}`",
        ),
        ("broken-link", "le lien `{dest}` ne mène à aucune page"),
        ("config-syntax", "erreur de syntaxe TOML : {message}"),
        ("did-you-mean", "vouliez-vous dire `{name}` ?"),
        (
            "draft-link",
            "la page `{id}` est un brouillon : le lien s'affiche comme du simple texte",
        ),
        (
            "duplicate-id",
            "l'identifiant de titre `{id}` est déjà celui d'un titre précédent",
        ),
        (
            "duplicate-field",
            "le champ `{name}` est prédéfini ou déclaré deux fois",
        ),
        (
            "duplicate-kind",
            "la sorte de pages `{id}` est déclarée deux fois",
        ),
        (
            "duplicate-kind.dir",
            "le dossier `{dir}` sert à deux sortes de pages",
        ),
        ("duplicate-tag", "le thème `{id}` figure deux fois"),
        (
            "duplicate-tag.declared",
            "le thème `{id}` est déclaré deux fois",
        ),
        (
            "duplicate-title",
            "le titre `{title}` est aussi celui de `{other}`",
        ),
        ("empty-body", "la page n'a pas de texte"),
        ("empty-field", "le champ obligatoire `{name}` est vide"),
        ("empty-title", "le titre est vide"),
        ("front-matter", "le fichier ne commence pas par un en-tête"),
        ("front-matter-syntax", "TOML invalide : {message}"),
        ("front-matter.unclosed", "l'en-tête n'est jamais fermé"),
        (
            "misplaced-setting",
            "`language` n'est pas un réglage de [site]",
        ),
        ("missing-field", "champ obligatoire manquant : `{name}`"),
        ("missing-file", "le fichier `{dest}` n'existe pas"),
        ("missing-file.image", "l'image `{dest}` n'existe pas"),
        ("missing-template", "le gabarit `{name}` manque"),
        ("no-content", "le site n'a pas de dossier `content/`"),
        ("no-theme", "thème `{theme}` introuvable dans themes/"),
        ("not-utf8", "le fichier n'est pas en UTF-8 valide"),
        (
            "output-collision",
            "`{file}` serait écrit deux fois : par {other} et par {here}",
        ),
        (
            "raw-html",
            "le HTML brut `{snippet}` est modifié par le nettoyage",
        ),
        (
            "raw-html.escape",
            "le HTML brut `{snippet}` s'affiche comme du texte (raw_html = \"escape\")",
        ),
        (
            "reserved-name",
            "{origin} prend le nom `{name}`, qui revient à {taken}",
        ),
        ("self-ref", "`{name}` renvoie à la page elle-même"),
        ("tags-syntax", "erreur de syntaxe TOML : {message}"),
        ("template", "erreur de gabarit : {message}"),
        ("template.render", "en produisant {file} : {message}"),
        (
            "unknown-field.builtin",
            "`{name}` n'est pas un champ prédéfini",
        ),
        ("unknown-field.page", "champ inconnu `{name}`"),
        (
            "unknown-field.required",
            "le champ obligatoire `{name}` n'est pas un champ de la sorte `{kind}`",
        ),
        ("unknown-kind", "sorte de pages inconnue `{kind}`"),
        (
            "unknown-kind-dir",
            "`content/{dir}/` n'est le dossier d'aucune sorte de pages",
        ),
        (
            "unknown-ref",
            "`{name}` renvoie à `{id}`, qui n'est pas une page",
        ),
        ("unknown-tag", "thème inconnu `{tag}`"),
        (
            "unreachable",
            "aucune autre page ne mène ici et la page n'a pas de thème",
        ),
        ("unreadable", "impossible de lire le fichier : {error}"),
        (
            "unreadable.tags",
            "impossible de lire la liste des thèmes : {error}",
        ),
        ("unsafe-output", "refus d'écrire le site dans {out} : {why}"),
        (
            "unsafe-output.archive",
            "refus d'écrire l'archive {path} : {why}",
        ),
        (
            "unwritten-body",
            "le texte est encore le plan écrit par `archipel new`",
        ),
        (
            "wrong-kind-ref",
            "`{name}` attend des pages de la sorte `{kind}`, mais `{id}` est : {found}",
        ),
        (
            "bad-field.inverse",
            "`inverse` ne s'applique qu'aux champs `refs`, et `{name}` n'en est pas un",
        ),
        (
            "template-cycle",
            "cette inclusion ramène à son point de départ, le rendu ne finirait jamais : {chain}",
        ),
        (
            "template-cycle.macro",
            "cet appel de macro ramène à son point de départ, le rendu ne finirait jamais : {chain}",
        ),
        (
            "template-depth",
            "la macro `{name}` de `{file}` a dépassé {limit} appels de macros imbriqués : la condition censée arrêter sa récursion ne devient jamais fausse",
        ),
        (
            "unsafe-link",
            "le lien `{dest}` utilise `{scheme}:`, qu'archipel ne publie pas",
        ),
        (
            "unknown-scheme",
            "le lien `{dest}` utilise `{scheme}:`, qui n'est ni une page ni une adresse web",
        ),
        (
            "unpublished-file",
            "aucune page ne mène à `{file}` : il ne sera pas publié",
        ),
        (
            "bad-base-url",
            "`base_url` doit être une adresse http(s) complète, pas `{value}`",
        ),
        (
            "no-strings",
            "le thème n'a pas de textes pour la langue `{language}`",
        ),
        ("unknown-string", "le thème n'a pas de texte `{name}`"),
        (
            "bad-string",
            "`{name}` doit avoir la même forme que celui du thème",
        ),
        (
            "missing-string",
            "textes manquants pour la langue `{language}` : {names}",
        ),
        (
            "missing-string.dates",
            "les dates demandent `months` (12 noms), `date_day`, `date_month`, `date_year` et `first_day`",
        ),
        ("strings-syntax", "erreur de syntaxe TOML : {message}"),
        ("bad-alias", "`{written}` ne peut pas être une adresse"),
        (
            "no-base-url",
            "pas de `base_url` : le site n'a ni flux, ni plan du site, ni métadonnées de partage, et sa page 404 ne fonctionne qu'à la racine",
        ),
        (
            "symlink",
            "un lien symbolique, qu'archipel ne suit pas (il pourrait publier un fichier extérieur au site)",
        ),
    ];
    for (key, french) in pinned {
        assert_eq!(tr(Lang::Fr, leak(key.to_string()), &[]), *french, "{key}");
    }
}
