//! Stallside in the browser: mounts the app on the page.

fn main() {
    leptos::mount::mount_to_body(stallside_app::App);
}
