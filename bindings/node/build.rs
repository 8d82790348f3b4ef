// Sets the linker flags a Node addon needs (N-API symbols resolve from the host process).
fn main() {
    napi_build::setup();
}
