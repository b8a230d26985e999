//! `stop_model_customization_job`.

super::operation_entry_points!(
    crate::generated::shapes::OP_STOP_MODEL_CUSTOMIZATION_JOB,
    crate::generated::builders::stop_model_customization_job
);
