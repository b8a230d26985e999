//! `get_model_customization_job`.

super::sync_operation!(
    crate::generated::shapes::OP_GET_MODEL_CUSTOMIZATION_JOB,
    crate::generated::builders::get_model_customization_job
);
