use super::*;

#[test]
fn a_200_reply_is_its_body() {
    let body = reply_body::<()>(200, "{\"Ok\":1}".to_owned());
    assert_eq!(body, Ok("{\"Ok\":1}".to_owned()));
}

#[test]
fn any_other_status_is_a_broken_call_that_quotes_the_start_of_the_body() {
    let long = "é".repeat(500);
    for status in [201, 400, 404, 500, 503] {
        let Err(AskError::Broken(why)) = reply_body::<()>(status, long.clone()) else {
            panic!("{status} is not an answer");
        };
        assert!(
            why.starts_with(&format!("the object answered {status}: ")),
            "{why}"
        );
        assert_eq!(why.chars().filter(|c| *c == 'é').count(), 200);
    }
    let empty = reply_body::<()>(500, String::new());
    assert_eq!(
        empty,
        Err(AskError::Broken("the object answered 500: ".to_owned()))
    );
}

#[test]
fn a_text_asks_failure_is_its_reason_refused_or_broken() {
    assert_eq!(
        AskError::Refused("no such store".to_owned()).reason(),
        "no such store"
    );
    assert_eq!(
        AskError::<String>::Broken("timed out".into()).reason(),
        "timed out"
    );
}
