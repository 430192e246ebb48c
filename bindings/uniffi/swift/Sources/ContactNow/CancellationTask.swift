// Written by hand (the rest of the module is generated): ties a `Cancellation` to the
// current Swift `Task`. uniffi's generated `async` calls do not react to `Task.cancel()`;
// a call given this cancellation does: it stops at once and throws
// `ContactNowError.Cancelled`.

extension Cancellation {
    /// Runs `body` with a new `Cancellation` that is cancelled when the current task is:
    ///
    ///     let listing = try await Cancellation.withTask {
    ///         try await client.readAssignmentsAsync(agentId: 1234, queueId: nil, cancellation: $0)
    ///     }
    public static func withTask<T>(_ body: (Cancellation) async throws -> T) async throws -> T {
        let cancellation = Cancellation()
        return try await withTaskCancellationHandler {
            try await body(cancellation)
        } onCancel: {
            cancellation.cancel()
        }
    }
}
