//! `stop_model_customization_job`.

super::sync_operation!(
    crate::generated::shapes::OP_STOP_MODEL_CUSTOMIZATION_JOB,
    crate::generated::builders::stop_model_customization_job
);
