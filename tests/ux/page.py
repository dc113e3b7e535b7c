"""Reading rendered pages by their structure (lxml), not by guessing substrings."""
import lxml.html


def parse(response):
    return lxml.html.fromstring(response.get_data(as_text=True))


def form_with_action(document, action: str):
    forms = [f for f in document.iter("form") if (f.get("action") or "") == action]
    assert len(forms) == 1, [f.get("action") for f in document.iter("form")]
    return forms[0]


def inputs_of(form) -> dict:
    """name -> the element, for every input, select and textarea of the form."""
    return {el.get("name"): el for el in form.iter("input", "select", "textarea") if el.get("name")}


def hidden_values(form) -> dict:
    return {name: el.get("value", "") for name, el in inputs_of(form).items() if el.get("type") == "hidden"}


def the(document, css_id: str):
    found = document.get_element_by_id(css_id, None)
    assert found is not None, f"no element #{css_id}"
    return found


def text(element) -> str:
    return " ".join(element.text_content().split())
