//! Retry refinements on top of the SDK's standard strategy.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use aws_smithy_runtime_api::client::interceptors::context::InterceptorContext;
use aws_smithy_runtime_api::client::retries::classifiers::{
    ClassifyRetry, RetryAction, RetryClassifierPriority, RetryReason,
};
use aws_smithy_types::retry::ErrorKind;

/// In legacy mode, a refused connection is retried as before, but after a short
/// jittered pause (0.25–0.75 s) instead of the exponential backoff meant for an
/// overloaded service: nothing listens there, so with legacy's five attempts the
/// caller hears "Could not connect to the endpoint URL" within a few seconds (boto3
/// in legacy mode: up to 15 s of backoff). Standard retries, the default, back off
/// from 50 ms: sooner than this pause, which they go without.
#[derive(Debug, Default)]
pub struct RefusedConnectionPause;

const PAUSE_MIN_MS: u64 = 250;
const PAUSE_SPREAD_MS: u64 = 500;

fn refused(ctx: &InterceptorContext) -> bool {
    let Some(Err(err)) = ctx.output_or_error() else {
        return false;
    };
    let Some(connector) = err.as_connector_error() else {
        return false;
    };
    if !connector.is_io() {
        return false;
    }
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(connector);
    while let Some(e) = source {
        if let Some(io) = e.downcast_ref::<std::io::Error>() {
            if io.kind() == std::io::ErrorKind::ConnectionRefused {
                return true;
            }
        }
        source = e.source();
    }
    false
}

/// Jitter from the clock's sub-second digits: enough to spread many clients apart.
fn jittered_pause() -> Duration {
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    Duration::from_millis(PAUSE_MIN_MS + u64::from(nanos) % PAUSE_SPREAD_MS)
}

impl ClassifyRetry for RefusedConnectionPause {
    fn classify_retry(&self, _ctx: &InterceptorContext) -> RetryAction {
        RetryAction::NoActionIndicated
    }

    fn classify_retry_v2(&self, ctx: &InterceptorContext, previous: &RetryAction) -> RetryAction {
        match previous {
            RetryAction::RetryIndicated(RetryReason::RetryableError {
                retry_after: None, ..
            }) if refused(ctx) => RetryAction::retryable_error_with_explicit_delay(
                ErrorKind::TransientError,
                jittered_pause(),
            ),
            _ => RetryAction::NoActionIndicated,
        }
    }

    fn name(&self) -> &'static str {
        "bedrock_customization: short pause after a refused connection"
    }

    fn priority(&self) -> RetryClassifierPriority {
        RetryClassifierPriority::run_after(RetryClassifierPriority::transient_error_classifier())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pauses_stay_within_their_bounds() {
        for _ in 0..1000 {
            let pause = jittered_pause();
            assert!(pause >= Duration::from_millis(PAUSE_MIN_MS));
            assert!(pause < Duration::from_millis(PAUSE_MIN_MS + PAUSE_SPREAD_MS));
        }
    }
}
