//! `get_model_customization_job`.

super::operation_entry_points!(
    crate::generated::shapes::OP_GET_MODEL_CUSTOMIZATION_JOB,
    crate::generated::builders::get_model_customization_job
);
